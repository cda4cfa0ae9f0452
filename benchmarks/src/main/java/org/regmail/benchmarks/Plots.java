package org.regmail.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;

import javax.imageio.ImageIO;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The benchmarks' line charts (JFreeChart, headless) in one look, and a PNG holding several of
 * them side by side.
 */
public final class Plots {
    private static final Font TICKS = new Font("DejaVu Sans", Font.PLAIN, 14);
    private static final Font LABELS = new Font("DejaVu Sans", Font.PLAIN, 15);
    private static final Color[] COLOURS = {new Color(0, 114, 178), new Color(230, 159, 0),
        new Color(204, 121, 167), new Color(0, 158, 115)};

    private Plots() {
    }

    /** Which axes are logarithmic. */
    public enum Scale { LINEAR, LOG_X, LOG_XY }

    /** A line chart; points are marked when {@code marks}. */
    public static JFreeChart chart(String title, String x, String y, Scale scale, boolean marks,
                                   XYSeries... series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (XYSeries s : series) {
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data,
            PlotOrientation.VERTICAL, series.length > 1, false, false);
        chart.getTitle().setFont(new Font("DejaVu Sans", Font.BOLD, 18));
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (scale == Scale.LINEAR) {
            plot.setDomainAxis(linearAxis(x));
        } else {
            plot.setDomainAxis(logAxis(x));
        }
        if (scale == Scale.LOG_XY) {
            plot.setRangeAxis(logAxis(y));
        } else {
            plot.setRangeAxis(linearAxis(y));
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(LABELS);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, marks);
        for (int i = 0; i < series.length; i++) {
            renderer.setSeriesPaint(i, COLOURS[i % COLOURS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2.5f));
        }
        plot.setRenderer(renderer);
        return chart;
    }

    /** Draws the charts in a grid of {@code columns}, 800 × 560 pixels each, into a PNG. */
    public static void write(Path png, int columns, List<JFreeChart> charts) throws IOException {
        int width = 800;
        int height = 560;
        int rows = (charts.size() + columns - 1) / columns;
        BufferedImage image = new BufferedImage(columns * width, rows * height,
            BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < charts.size(); i++) {
            charts.get(i).draw(g, new Rectangle2D.Double((i % columns) * width,
                (i / columns) * height, width, height));
        }
        g.dispose();
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static NumberAxis linearAxis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setAutoRangeIncludesZero(true);
        axis.setNumberFormatOverride(new DecimalFormat("#,##0"));
        axis.setTickLabelFont(TICKS);
        axis.setLabelFont(LABELS);
        return axis;
    }

    /** A base-10 logarithmic axis labelled in plain numbers (1, 10, 100; 1,000,000 …). */
    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setTickUnit(new NumberTickUnit(1.0));
        axis.setNumberFormatOverride(new DecimalFormat("#,##0"));
        axis.setMinorTickMarksVisible(true);
        axis.setMinorTickCount(9);
        axis.setSmallestValue(1);
        axis.setTickLabelFont(TICKS);
        axis.setLabelFont(LABELS);
        return axis;
    }
}
